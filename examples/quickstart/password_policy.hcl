# The account password policy: long passwords of every character class, rotated every 90 days.

password_policy {
  minimum_length                 = 14
  require_symbols                = true
  require_numbers                = true
  require_uppercase              = true
  require_lowercase              = true
  allow_users_to_change_password = true
  max_age_days                   = 90
  reuse_prevention               = 24
}
