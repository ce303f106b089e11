# CGAP submission tests (issue 7).
