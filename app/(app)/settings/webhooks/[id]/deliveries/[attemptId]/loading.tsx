import { Block, PageSkeleton } from '@/components/ui/skeleton';

export default function DeliveryLoading() {
  return (
    <PageSkeleton label="delivery">
      <Block className="h-4 w-64 max-w-full" />
      <Block className="h-8 w-72 max-w-full" />
      <Block className="h-20 w-full" />
      <Block className="h-48 w-full" />
      <Block className="h-32 w-full" />
    </PageSkeleton>
  );
}
