# At session 7's first stop (restart.gdb).
echo @@ stop 1\n
kaal current
bt 1
continue
echo @@ stop 2\n
kaal current
bt 1
echo @@ continue\n
continue
