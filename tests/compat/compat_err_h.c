/* <xen/err.h> alone gives ESRCH and the pointer-error helpers, as Xen's. */
#include <xen/err.h>

int compat_err_h_esrch(void);
long compat_err_h_ptr_err(void);

int compat_err_h_esrch(void)
{
    return ESRCH;
}

long compat_err_h_ptr_err(void)
{
    void *p = ERR_PTR(-ESRCH);

    return IS_ERR(p) ? PTR_ERR(p) : 0;
}
