"""What a run writes into its output folder: the corpus files of each document and of the whole
run (``corpus_files``, with ``xml_text`` for every XML writer), ``manifest.json`` (``manifest``),
the names of a document's files (``names``), and the folder's life from one run to the next
(``folder``: stale files, the run's own file names). The translated documents themselves are
written by their formats (``translate.formats``)."""
