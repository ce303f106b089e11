# Workbook read-back and LibreOffice recalculation tests (issue 7).
