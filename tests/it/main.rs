//! Integration tests, in one binary so polars is linked once: the command line on bad input,
//! the demo brief against its golden copy, and figures on the real data in ../shared/data.

mod authoring;
mod bad_input;
mod cache;
mod calendar;
mod cdp;
mod claims;
mod daily;
mod daily_safety;
mod draft;
mod every_day;
mod fetch;
mod fuzz;
mod golden;
mod history_real;
mod http_server;
mod market_real;
mod newcomer;
mod real_data;
mod real_golden;
mod serve;
mod support;
mod verify;
mod verify_edits;
