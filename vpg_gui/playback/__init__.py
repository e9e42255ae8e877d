"""Watching a policy, without Qt: episodes played and replayed as frames (episode.py), and what a
CartPole policy does over its state space (policy_view.py). The window's render panel and GIF
exports draw with these."""
