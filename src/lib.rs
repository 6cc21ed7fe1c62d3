//! marketbrief writes market commentary from market data.
//!
//! Data flows one way, one module per stage:
//! [`config`] → [`data`] → [`metrics`] → [`rules`] → [`select`] → [`narrative`] → [`output`],
//! driven by [`Brief::generate`]. Every metric and every rule condition is a column over the
//! whole trading calendar; a brief for one date is one row of those columns.

pub mod authoring;
pub mod brief;
pub mod calendar;
pub mod chart;
pub mod cli;
pub mod config;
pub mod daily;
pub mod data;
pub mod demo;
pub mod fetch;
pub mod metrics;
pub mod narrative;
pub mod output;
pub mod profile;
pub mod rules;
pub mod select;
pub mod serve;
pub mod verify;

pub use brief::{AsOf, Brief, Error};
