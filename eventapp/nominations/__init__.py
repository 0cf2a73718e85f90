"""Honoring nominations (hồ sơ đề nghị vinh danh) and the eligibility engine."""
