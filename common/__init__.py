"""Small pieces shared by every CareDesk app: errors, text validation, env parsing."""
