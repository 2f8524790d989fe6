"""The stack definition: one YAML file with the whole stack and its environments."""

from otelstack.stack.loader import DEFAULT_FILENAME, StackFile, find_stack_file, load_stack
from otelstack.stack.model import Stack

__all__ = ["DEFAULT_FILENAME", "Stack", "StackFile", "find_stack_file", "load_stack"]
