# The stops of session 5 (many.gdb): report each, delete what stopped, go on.
set $n = 0
while $_isvoid($_exitcode) && $n < 40
  python report()
  set $n = $n + 1
  continue
end
echo @@ continue\n
info breakpoints
