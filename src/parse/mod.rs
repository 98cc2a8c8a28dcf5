//! Text → syntax: the Dockerfile parser wrapper and the shell tokenizer.
pub mod dockerfile;
pub mod shell;
