"""The parts of the spreadsheet importer (huying.intake.importer): mapping, rows, refusal report (the files
themselves are read by huying.lib.tables)."""
