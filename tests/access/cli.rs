//! `iamform can` and `iamform who-can` through the binary.
