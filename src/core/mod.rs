//! The pure core: catalogue, events, profile, history retention and ranking.
