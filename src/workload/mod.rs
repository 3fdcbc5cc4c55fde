//! What users send, read from their files: datasets of prompts and
//! conversations ([`dataset`]) and traces of arrivals and lengths
//! ([`trace`]). These modules read and check the files (every error at
//! its file and line, before the first call); the plan draws from them.

pub mod dataset;
pub mod trace;
