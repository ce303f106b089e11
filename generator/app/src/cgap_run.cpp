// Placeholder: the CGAP submission (issue 7).
