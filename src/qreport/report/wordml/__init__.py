"""Raw WordprocessingML and DrawingML: table XML, streamed runs, native charts."""
