!BAT
# Exercises the batch language; each check prints "name: value" lines that
# the case's expect file compares.
echo ctl: called as %~nx0 with %*

# call :label with arguments, and a return value through a variable
call :add 19 23
echo call: sum=%sum%

# a goto loop with set /a
set i=0
set acc=
:loop
set /a i=%i%+1
set acc=%acc%%i%,
if %i%<=4 goto loop
echo loop: i=%i% acc=%acc%

# setlocal / endlocal restore the variables
set keep=outer
setlocal
set keep=inner
set fresh=yes
echo local: keep=%keep% fresh=%fresh%
endlocal
echo restored: keep=%keep% fresh=[%fresh%]

# if / else blocks
set /a big=7*6
if %big%==42 {
    echo if: 42 is 42
} else {
    echo if: wrong branch
}
if /i ABC==abc {
    echo if: /i matches
} else {
    echo if: /i does not match
}
if not exist /no/such/file {
    echo if: not exist is true
} else {
    echo if: not exist is false
}

# && || ! : a true and a false test
if 1==1 && echo ops: and-ran ! echo ops: else-ran-wrongly
if 1==2 && echo ops: and-ran-wrongly ! echo ops: else-ran
if 1==2 || echo ops: or-ran

# set /a: precedence, parentheses, hex
set /a x=(2+3)*4-6/2
set /a y=0x10+1
echo calc: x=%x% y=%y%

# shift moves the parameters down
call :shifty a b c

# a failing command: || handles it; with errorcheck off the script goes on
# and errnum gives its error number
cat /no/such/file || echo errors: cat failed, the test handled it
errorcheck off
cat /no/such/file
errnum ;; echo errors: errnum=%@retval%
errorcheck on

# exit (0) ends only this level: a call returns from it
call :early
echo exit: back from :early
echo ctl: done
goto :eof

:early
echo early: before exit
exit
echo early: not reached

:add
set /a sum=%1+%2
goto :eof

:shifty
echo shift: before %1 %2 %3
shift
echo shift: after1 %1 %2
shift
echo shift: after2 %1
goto :eof
