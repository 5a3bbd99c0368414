"""The ``kompas`` command line: thin wrappers that parse, call the public API, format."""
