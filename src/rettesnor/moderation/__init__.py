"""Moderation of citizens' comments: the queue, decisions with evidence first, reply templates, tasks."""
