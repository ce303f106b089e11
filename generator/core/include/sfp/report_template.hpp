#pragma once
/// Report templates: templates/<name>/document.toml (the structure) and the text files
/// templates/common/text/<lang>/*.toml + templates/<name>/text/<lang>/*.toml (the words).
/// Documented in docs/templates.md. (Being written: see the issue 6 brief.)
