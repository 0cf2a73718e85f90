"""Questions for the dialogue (câu hỏi, tâm tư, đề xuất): quotas, moderation, dialogue view."""
