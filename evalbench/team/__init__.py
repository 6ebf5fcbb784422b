"""Team work on one project: merging coders' projects and resolving their disagreements."""
