"""news-monitor: follow a developing story's figures and positions across feeds."""

__version__ = "0.1.0"
