/*
 * Hosted CPUs (asm/smp.h): each thread that runs hypervisor code holds a
 * CPU number from its first call of smp_processor_id() until it exits.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include <xen/lib.h>
#include <xen/smp.h>

__thread unsigned int hosted_cpu_plus_one;

static pthread_mutex_t cpus_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static uint64_t cpus_taken;

/* BUILD: the bitmap holds every CPU number. */
typedef char nr_cpus_fits_the_bitmap[NR_CPUS <= 64 ? 1 : -1];

/* Thread exit: the CPU goes down, and its number is free again. */
static void cpu_thread_exit(void *value)
{
    unsigned int cpu = (unsigned int)(uintptr_t)value - 1;

    xmalloc_cpu_dead(cpu);
    pthread_mutex_lock(&cpus_lock);
    cpus_taken &= ~(1ULL << cpu);
    pthread_mutex_unlock(&cpus_lock);
}

static void make_exit_key(void)
{
    if ( pthread_key_create(&exit_key, cpu_thread_exit) )
        panic("smp: cannot register the thread-exit hook");
}

unsigned int hosted_cpu_claim(void)
{
    unsigned int cpu;

    pthread_once(&key_once, make_exit_key);
    pthread_mutex_lock(&cpus_lock);
    if ( cpus_taken == ~0ULL )
    {
        pthread_mutex_unlock(&cpus_lock);
        panic("smp: more than %u threads run hypervisor code at once "
                     "(NR_CPUS)", NR_CPUS);
    }
    cpu = (unsigned int)__builtin_ctzll(~cpus_taken);
    cpus_taken |= 1ULL << cpu;
    pthread_mutex_unlock(&cpus_lock);
    hosted_cpu_plus_one = cpu + 1;
    pthread_setspecific(exit_key, (void *)(uintptr_t)(cpu + 1));
    return cpu;
}

unsigned int hosted_cpus_online(void)
{
    unsigned int n;

    pthread_mutex_lock(&cpus_lock);
    n = (unsigned int)__builtin_popcountll(cpus_taken);
    pthread_mutex_unlock(&cpus_lock);
    return n;
}
