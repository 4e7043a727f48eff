//! Placeholder: the HCL configuration loader lands here.
