"""The parts of the spreadsheet importer (huying.intake.importer): mapping, sources, rows, refusal report."""
