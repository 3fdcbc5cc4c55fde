//! Datasets of prompts and conversations (to be written).
