"""Alert email: composition (Jinja2 text + HTML), header safety and transports (file, SMTP)."""
