"""Pure knowledge of source formats: records, page parsers, recipes and value normalization. No I/O."""
