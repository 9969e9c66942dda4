"""Probabilistic customer-base models (chapter 9): BG/NBD, Gamma-Gamma, shifted-beta-geometric."""
