"""migrator: move Python code off the OpenAI API onto Qwen, ERNIE or GLM."""

__version__ = "0.1.0"
