"""Trifecta: a self-hosted live audience-polling server for L&D alignment sessions."""
