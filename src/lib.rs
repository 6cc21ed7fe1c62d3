//! marketbrief: market commentary from market data.
pub mod config;
pub mod data;
pub mod metrics;
