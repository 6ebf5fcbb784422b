"""One screen per module: documents, coding, code browser, analysis, help and the modals."""
