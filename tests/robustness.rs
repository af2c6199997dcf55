//! Hostile inputs and interrupted writes: the bad-input catalogue
//! (docs/bad-input.md) and the misbehaviours of issue 13, each a test of
//! the binary.
