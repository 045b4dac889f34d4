"""The monthly bulletin (月度通报): figures, Excel and PDF files, storage and the e-mailed schedule."""
