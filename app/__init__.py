"""Ruche: a self-hosted internal social network for an organisation's communities."""
