//! `can` and `who-can`: the hand-written corpus (one case per evaluation rule, each citing the AWS
//! documentation it follows), the commands through the binary, and the differential test against
//! the @cloud-copilot/iam-simulate package.

mod cli;
mod corpus;
mod differential;
mod generate;
mod plan;
