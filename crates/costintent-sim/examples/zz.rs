fn main() { costintent_sim::zz_bench::run(); }
