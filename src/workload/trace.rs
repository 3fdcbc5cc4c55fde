//! Traces of arrivals and lengths (to be written).
