"""The directory of outside bodies and referral by command, in the staff group."""
