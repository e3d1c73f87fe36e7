//! Item-item neighbour models: the compact binary format shared by the native
//! builder and the client, and neighbour scoring.
