"""The thin command line: parses options, calls the library, renders findings, maps exit codes."""
