//! Placeholder: the file-backed mock account lands here.
