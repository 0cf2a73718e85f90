"""Units (đơn vị): district unions, high schools, GDNN-GDTX centres that take part in events."""
