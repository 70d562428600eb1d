"""`qreport serve`: the collection portal. Schools upload and check their workbooks in a browser; the
bureau watches every school's status and builds a draft. See qreport.serve.app for the pages,
qreport.serve.store for what is kept where."""
