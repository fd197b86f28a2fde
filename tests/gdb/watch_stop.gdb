# Session 4 of tests/gdb/check.sh, at the stops (see watch.gdb).
echo @@ watch stop 1\n
kaal current
bt 1
continue
echo @@ watch stop 2\n
kaal current
bt 1
echo @@ continue\n
continue
