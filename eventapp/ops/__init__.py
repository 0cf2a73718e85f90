"""Operations (vận hành): backup and restore, moving an SQLite installation to PostgreSQL."""
