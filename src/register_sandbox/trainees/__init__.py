"""The trainee resource: request fields, validation + mapping, funding, duplicates, index."""
