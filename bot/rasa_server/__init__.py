"""Code loaded by the Rasa server (Python 3.10): input channels, privacy masking, Rasa tuning.

Nothing here may import a module that needs the action server's Python 3.11 environment."""
