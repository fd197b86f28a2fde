echo @@ stop at the syscall\n
kaal current
printf "@@ at syscall: %d\n", $pc == $gate
delete
next
echo @@ after next\n
kaal current
printf "@@ after syscall: %d\n", $pc - $gate
next
echo @@ after next 2\n
kaal current
bt 1
echo @@ continue\n
continue
